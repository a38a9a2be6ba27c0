import { SignJWT, decodeProtectedHeader, jwtVerify } from 'jose'
import { DIALECTS, type Dialect } from '../../shared/protocol.ts'
import { readSettings, settingName, SettingsError } from '../settings.ts'
import { sha256Hex } from '../sha256.ts'

/** The claims of a Mizan identity token, in the order the reference writes them. */
export interface MwtClaims {
  sub: string
  staff: boolean
  super: boolean
  pkey: string
  aud: string
  iat: number
  nbf: number
  exp: number
}

export interface MwtIdentity {
  id: number | string
  isStaff: boolean
  isSuperuser: boolean
  pkey: string
  kid: string
  claims: MwtClaims
}

export interface MwtOptions {
  /**
   * Keys by `kid`. Every key verifies; `signingKid` (default: the first) signs.
   * @default `{ v1: process.env.MIZAN_MWT_SECRET }` (`IZANA_MWT_SECRET` under the izana dialect), as the reference reads its setting
   */
  keys?: Record<string, string>
  signingKid?: string
  /** Token lifetime in seconds (reference default 300; else `MIZAN_MWT_TTL` from the environment). */
  ttl?: number
  /** Defaults to the dialect's audience (`mizan` / `izana`). */
  audience?: string
  dialect?: Dialect
  /** The clock, in seconds; injectable for tests and vectors. */
  now?: () => number
}

export interface MwtSubject {
  id: number | string
  isStaff?: boolean
  isSuperuser?: boolean
  permissions?: readonly string[]
}

/** `sha256("<staff 0|1>:<super 0|1>:<sorted perms joined by ,>")`, as the reference derives it. */
export function permissionKey(subject: Pick<MwtSubject, 'isStaff' | 'isSuperuser' | 'permissions'>): string {
  const perms = [...(subject.permissions ?? [])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const blob = `${subject.isStaff ? 1 : 0}:${subject.isSuperuser ? 1 : 0}:${perms.join(',')}`
  return sha256Hex(blob)
}

const encoder = new TextEncoder()

export class MwtIssuer {
  readonly ttl: number
  readonly audience: string
  private readonly keys: Map<string, Uint8Array>
  private readonly signingKid: string
  private readonly now: () => number

  constructor(options: MwtOptions = {}) {
    const settings = options.keys && options.ttl !== undefined ? {} : readSettings(options.dialect)
    const keys = options.keys ?? (settings.mwtSecret ? { v1: settings.mwtSecret } : undefined)
    if (!keys) {
      throw new SettingsError(`${settingName(options.dialect, 'MWT_SECRET')} is not configured: MWT needs a signing secret (set it, or pass mwt: { keys })`)
    }
    const entries = Object.entries(keys)
    if (!entries.length) throw new TypeError('MWT needs at least one key')
    this.keys = new Map(entries.map(([kid, secret]) => [kid, encoder.encode(secret)]))
    this.signingKid = options.signingKid ?? entries[0]![0]
    if (!this.keys.has(this.signingKid)) throw new TypeError(`MWT signing kid '${this.signingKid}' has no key`)
    this.ttl = options.ttl ?? settings.mwtTtl ?? 300
    this.audience = options.audience ?? DIALECTS[options.dialect ?? 'mizan'].mwtAudience
    this.now = options.now ?? (() => Date.now() / 1000)
  }

  /** Mint a token byte-identical to the reference's for the same claims and clock. */
  async mint(subject: MwtSubject): Promise<string> {
    const iat = Math.floor(this.now())
    const claims: MwtClaims = {
      sub: String(subject.id),
      staff: subject.isStaff ?? false,
      super: subject.isSuperuser ?? false,
      pkey: permissionKey(subject),
      aud: this.audience,
      iat,
      nbf: iat,
      exp: iat + this.ttl,
    }
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256', kid: this.signingKid, typ: 'JWT' })
      .sign(this.keys.get(this.signingKid)!)
  }

  /** Verify signature, algorithm, audience and time claims; `null` for anything wrong. */
  async verify(token: string): Promise<MwtIdentity | null> {
    let kid: string
    try {
      const header = decodeProtectedHeader(token)
      if (header.alg !== 'HS256') return null
      kid = typeof header.kid === 'string' ? header.kid : 'v1'
    } catch {
      return null
    }
    const key = this.keys.get(kid)
    if (!key) return null
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: ['HS256'],
        audience: this.audience,
        currentDate: new Date(this.now() * 1000),
        requiredClaims: ['sub', 'iat', 'exp'],
      })
      const { sub, staff, super: superuser, pkey, iat, exp } = payload as Partial<MwtClaims>
      if (typeof sub !== 'string' || !sub) return null
      if (typeof iat !== 'number' || typeof exp !== 'number') return null
      if ((staff !== undefined && typeof staff !== 'boolean') || (superuser !== undefined && typeof superuser !== 'boolean')) return null
      if (pkey !== undefined && typeof pkey !== 'string') return null
      return {
        id: /^\d+$/.test(sub) && Number.isSafeInteger(Number(sub)) ? Number(sub) : sub,
        isStaff: staff ?? false,
        isSuperuser: superuser ?? false,
        pkey: pkey ?? '',
        kid,
        claims: payload as unknown as MwtClaims,
      }
    } catch {
      return null
    }
  }
}
