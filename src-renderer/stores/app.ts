// App-wide facts shown in the shell: name and version.
import { defineStore } from 'pinia';
import { ref } from 'vue';

export const useAppStore = defineStore('app', () => {
  const name = ref('Espalier');
  const version = ref(typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : '0.0.0');
  return { name, version };
});
