import { Lab } from './lab.tsx'

export const dynamic = 'force-dynamic'

/** Client-side data only (nothing prefetched): Suspense, an infinite list, an optimistic toggle that fails. */
export default function LabPage() {
  return (
    <main>
      <h1>Lab</h1>
      <Lab />
    </main>
  )
}
