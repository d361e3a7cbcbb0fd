// Slows down password guessing without letting an attacker lock a user out (OWASP "Blocking
// Brute Force Attacks" with device cookies):
//  - per address: at most ADDRESS_MAX_FAILURES failed sign-ins per window, then 429 until the
//    window ends (stops one address from spraying many accounts);
//  - per account: after ACCOUNT_FREE_FAILURES consecutive failures, each further try waits
//    30 s, 1 min, 2 min, ... up to 15 min after the last failure (never longer); tries during the
//    wait are refused without checking the password and do not extend it; a success resets it;
//  - a browser that signed in to an account before carries a signed device cookie for it, and
//    its tries skip both limits above (it has its own: DEVICE_MAX_FAILURES), so a user on their
//    usual browser is never locked out by someone else's guessing, nor by a locked-out address.
// Counters live in this web process's memory (bounded); several web processes each count.

export const ADDRESS_MAX_FAILURES = 5;
export const ADDRESS_WINDOW_MS = 60_000;
export const ACCOUNT_FREE_FAILURES = 5;
export const ACCOUNT_BASE_DELAY_MS = 30_000;
export const ACCOUNT_MAX_DELAY_MS = 15 * 60_000;
export const DEVICE_MAX_FAILURES = 10;
/** A quiet day forgets an account's or a device's failures. */
const FORGET_AFTER_MS = 24 * 60 * 60_000;
const MAX_ENTRIES = 100_000;

interface Counter {
  failures: number;
  /** Address: start of the current window; account/device: time of the last failure. */
  since: number;
}

export type ThrottleDecision =
  { allowed: true } | { allowed: false; scope: "address" | "account" | "device"; retryAfterSeconds: number };

export interface SignInAttempt {
  address: string;
  /** Lower-cased email the attempt is for. */
  account: string;
  /** Id of a valid device cookie for this account, if the request carried one. */
  device?: string | undefined;
}

/** Wait after `failures` consecutive failures of one account (0 while under the free tries). */
export function accountDelayMs(failures: number): number {
  if (failures < ACCOUNT_FREE_FAILURES) return 0;
  return Math.min(ACCOUNT_BASE_DELAY_MS * 2 ** (failures - ACCOUNT_FREE_FAILURES), ACCOUNT_MAX_DELAY_MS);
}

export class SignInThrottle {
  private readonly addresses = new Map<string, Counter>();
  private readonly accounts = new Map<string, Counter>();
  private readonly devices = new Map<string, Counter>();

  constructor(private readonly now: () => number = Date.now) {}

  check(attempt: SignInAttempt): ThrottleDecision {
    const now = this.now();
    if (attempt.device) {
      const d = this.fresh(this.devices, attempt.device, now);
      if (d && d.failures >= DEVICE_MAX_FAILURES)
        return {
          allowed: false,
          scope: "device",
          retryAfterSeconds: this.seconds(d.since + ACCOUNT_MAX_DELAY_MS - now),
        };
      return { allowed: true };
    }
    const a = this.addresses.get(attempt.address);
    if (a && now - a.since < ADDRESS_WINDOW_MS && a.failures >= ADDRESS_MAX_FAILURES)
      return {
        allowed: false,
        scope: "address",
        retryAfterSeconds: this.seconds(a.since + ADDRESS_WINDOW_MS - now),
      };
    const c = this.fresh(this.accounts, attempt.account, now);
    if (c) {
      const until = c.since + accountDelayMs(c.failures);
      if (until > now)
        return { allowed: false, scope: "account", retryAfterSeconds: this.seconds(until - now) };
    }
    return { allowed: true };
  }

  recordFailure(attempt: SignInAttempt): void {
    const now = this.now();
    if (attempt.device) {
      const d = this.fresh(this.devices, attempt.device, now) ?? { failures: 0, since: now };
      this.put(this.devices, attempt.device, { failures: d.failures + 1, since: now });
      return;
    }
    const a = this.addresses.get(attempt.address);
    this.put(
      this.addresses,
      attempt.address,
      a && now - a.since < ADDRESS_WINDOW_MS
        ? { failures: a.failures + 1, since: a.since }
        : { failures: 1, since: now },
    );
    const c = this.fresh(this.accounts, attempt.account, now);
    this.put(this.accounts, attempt.account, { failures: (c?.failures ?? 0) + 1, since: now });
  }

  recordSuccess(attempt: SignInAttempt): void {
    this.accounts.delete(attempt.account);
    if (attempt.device) this.devices.delete(attempt.device);
  }

  private fresh(map: Map<string, Counter>, key: string, now: number): Counter | undefined {
    const c = map.get(key);
    if (c && now - c.since > FORGET_AFTER_MS) {
      map.delete(key);
      return undefined;
    }
    return c;
  }

  private put(map: Map<string, Counter>, key: string, value: Counter) {
    map.delete(key);
    map.set(key, value);
    // Oldest first: drop the least recently touched entries when a flood fills the map.
    while (map.size > MAX_ENTRIES) map.delete(map.keys().next().value!);
  }

  private seconds(ms: number) {
    return Math.max(1, Math.ceil(ms / 1000));
  }
}
