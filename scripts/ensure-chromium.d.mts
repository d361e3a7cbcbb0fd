export const CHROMIUM_PATH: string;
/** /usr/bin/chromium, installed with apt-get when missing and running as root; null when it cannot be. */
export function ensureChromium(log?: (message: string) => void): string | null;
