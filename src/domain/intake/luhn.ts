// The Luhn (mod 10) check digit: tickets carry one, and bank card numbers are recognised by it.

/** The check digit to append to `digits` (a string of 0-9). */
export function luhnCheckDigit(digits: string): number {
  return (10 - luhnSum(digits, true)) % 10;
}

/** Whether the last digit of `digits` is the Luhn check digit of the rest. */
export function isLuhnValid(digits: string): boolean {
  return digits.length >= 2 && luhnSum(digits, false) === 0;
}

/** The mod-10 Luhn sum; `appending` doubles as if a check digit were still to follow. */
function luhnSum(digits: string, appending: boolean): number {
  let sum = 0;
  let double = appending;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10;
}
