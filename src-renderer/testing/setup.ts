// The fresh start every renderer test takes: a new Pinia made active and a FakeTransport the api layer talks to.
// Not imported by the app.
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { setTransport } from '../api';
import { FakeTransport } from './fakes';

export function freshApp(): { pinia: Pinia; transport: FakeTransport } {
  const pinia = createPinia();
  setActivePinia(pinia);
  const transport = new FakeTransport();
  setTransport(transport);
  return { pinia, transport };
}
