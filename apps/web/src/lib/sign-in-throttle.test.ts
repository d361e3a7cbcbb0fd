import { describe, expect, it } from "vitest";
import { ACCOUNT_MAX_DELAY_MS, SignInThrottle, accountDelayMs } from "./sign-in-throttle.ts";

describe("SignInThrottle", () => {
  it("the account back-off doubles from 30 s and never exceeds 15 minutes", () => {
    expect([0, 4, 5, 6, 7, 10].map(accountDelayMs)).toEqual([0, 0, 30_000, 60_000, 120_000, 900_000]);
    expect(accountDelayMs(1000)).toBe(ACCOUNT_MAX_DELAY_MS);
  });

  it("an attacker who keeps guessing cannot lock the account for longer than the cap after their last try", () => {
    let now = 0;
    const throttle = new SignInThrottle(() => now);
    const attacker = (i: number) => ({ address: `192.0.2.${i % 250}`, account: "victim@example.test" });
    let tries = 0;
    // A day of guessing as fast as the throttle lets through.
    while (now < 24 * 3_600_000) {
      const decision = throttle.check(attacker(tries));
      if (decision.allowed) {
        throttle.recordFailure(attacker(tries));
        tries++;
        now += 1000;
      } else {
        expect(decision.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
        now += decision.retryAfterSeconds * 1000;
      }
    }
    // 5 free tries, then the back-off: about 100 guesses a day instead of ~86,000.
    expect(tries).toBeLessThan(110);
    // The user waits at most the cap after the attacker's last try, then gets in.
    const user = { address: "203.0.113.9", account: "victim@example.test" };
    now += ACCOUNT_MAX_DELAY_MS;
    expect(throttle.check(user)).toEqual({ allowed: true });
    throttle.recordSuccess(user);
    expect(throttle.check(attacker(0))).toEqual({ allowed: true });
  });

  it("a known device skips the address and account limits but has its own", () => {
    let now = 0;
    const throttle = new SignInThrottle(() => now);
    for (let i = 0; i < 5; i++) throttle.recordFailure({ address: "a", account: "u" });
    expect(throttle.check({ address: "a", account: "u" })).toMatchObject({
      allowed: false,
      scope: "address",
    });
    expect(throttle.check({ address: "b", account: "u" })).toMatchObject({
      allowed: false,
      scope: "account",
    });
    expect(throttle.check({ address: "a", account: "u", device: "d1" })).toEqual({ allowed: true });
    for (let i = 0; i < 10; i++) throttle.recordFailure({ address: "a", account: "u", device: "d1" });
    expect(throttle.check({ address: "a", account: "u", device: "d1" })).toMatchObject({
      allowed: false,
      scope: "device",
    });
    now += 61_000;
    expect(throttle.check({ address: "a", account: "other" })).toEqual({ allowed: true });
  });
});
