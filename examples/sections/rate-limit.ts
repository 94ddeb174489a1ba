export async function rateLimitSection(): Promise<void> {
  console.log('(not yet built)');
}
