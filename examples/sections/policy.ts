export async function policySection(): Promise<void> {
  console.log('(not yet built)');
}
