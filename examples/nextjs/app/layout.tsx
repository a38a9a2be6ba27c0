import type { ReactNode } from 'react'
import { Providers } from './providers.tsx'

export const metadata = { title: 'Mizan on Next.js' }

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  )
}
