// Wraps a user action for a view: busy flag while it runs, and the error (with the field the main side
// named) kept next to the control that caused it instead of only in a toast.
import { ref } from 'vue';
import { ApiError, errorMessage } from '../api';

export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  const busy = ref(false);
  const error = ref<string | null>(null);
  const field = ref<string | null>(null);

  async function run(...args: A): Promise<R | undefined> {
    busy.value = true;
    error.value = null;
    field.value = null;
    try {
      return await fn(...args);
    } catch (err) {
      error.value = errorMessage(err);
      field.value = err instanceof ApiError ? err.field : null;
      return undefined;
    } finally {
      busy.value = false;
    }
  }

  function clear(): void {
    error.value = null;
    field.value = null;
  }

  return { busy, error, field, run, clear };
}
