/** The exact product of two non-negative decimal strings (`812.4` x `93950.44` without rounding). */
export function decimalProduct(a: string, b: string): string {
  const [ia, sa] = scaled(a);
  const [ib, sb] = scaled(b);
  const digits = (ia * ib).toString().padStart(sa + sb + 1, '0');
  const scale = sa + sb;
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return fraction === '' ? whole : `${whole}.${fraction}`;
}

function scaled(text: string): [bigint, number] {
  const [whole, fraction = ''] = text.split('.');
  return [BigInt(`${whole}${fraction}`), fraction.length];
}
