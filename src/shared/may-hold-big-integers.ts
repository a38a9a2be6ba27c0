/**
 * The cheap test before any big-integer work: a run of 16+ digits is the only way a JSON text can
 * hold an integer JS numbers cannot. Its own module so the client kernel can take it alone.
 */
export function mayHoldBigIntegers(text: string): boolean {
  let run = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0x30 && c <= 0x39) {
      if (++run >= 16) return true
    } else run = 0
  }
  return false
}
