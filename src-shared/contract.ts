// The IPC contract between main and renderer: channel names and their zod schemas.
import { z } from 'zod';

export const APP_INFO_CHANNEL = 'app:info';

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;
