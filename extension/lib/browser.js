// Firefox exposes the promise-based `browser` namespace, Chrome `chrome` (promise-returning in
// MV3). Everything else imports `ext` so one source tree runs in both.
export const ext = globalThis.browser ?? globalThis.chrome;
