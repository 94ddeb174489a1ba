export async function otpSection(): Promise<void> {
  console.log('(not yet built)');
}
