export async function passwordSection(): Promise<void> {
  console.log('(not yet built)');
}
