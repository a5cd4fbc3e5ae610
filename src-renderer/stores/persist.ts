// Tiny guarded localStorage helpers: UI preferences only (theme, open project); never domain data, which
// always comes back from the main side.
export function loadPref(key: string): string | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage.getItem(`espalier.${key}`);
  } catch {
    return null;
  }
}

export function savePref(key: string, value: string | null): void {
  try {
    if (typeof localStorage === 'undefined') return;
    if (value === null) localStorage.removeItem(`espalier.${key}`);
    else localStorage.setItem(`espalier.${key}`, value);
  } catch {
    // private mode or quota: preferences are a convenience
  }
}
