import { it } from 'vitest'

/**
 * Steps that share one page and build on each other's state: after the first failure the rest
 * fail at once instead of each waiting out its timeout. Only a step that finished clears the
 * flag, so a timed-out step counts as failed too; `begin('setup')` … `finished()` lets a
 * `beforeAll` take part the same way.
 */
export function stepChain(timeoutMs: number) {
  let broken: string | null = null
  return {
    step(name: string, body: () => Promise<void>): void {
      it(name, async () => {
        if (broken) throw new Error(`not run: earlier step failed (${broken})`)
        broken = name
        await body()
        broken = null
      }, timeoutMs)
    },
    begin(name: string): void {
      broken = name
    },
    finished(): void {
      broken = null
    },
  }
}
