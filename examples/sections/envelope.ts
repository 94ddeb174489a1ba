export async function envelopeSection(): Promise<void> {
  console.log('(not yet built)');
}
