import { SignJWT, decodeProtectedHeader, jwtVerify } from 'jose'
import { MizanError } from '../../shared/errors.ts'
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
  /** Seconds of the original sign-in, carried through renewals; absent when it equals `iat`. Not in the reference. */
  auth_time?: number
  /** The user's token version when minted (revocation); absent while it is 0. Not in the reference. */
  ver?: number
}

/** Where per-user token versions live: a `CacheBackend` (MemoryCache, RedisCache) fits. */
export interface TokenVersionStore {
  get(key: string): Promise<string | null>
  set(key: string, value: string, ttlSeconds?: number): Promise<void>
}

export interface MwtIdentity {
  id: number | string
  isStaff: boolean
  isSuperuser: boolean
  pkey: string
  kid: string
  /** When the user originally signed in (seconds): renewals keep it, and `maxLifetime` counts from it. */
  authTime: number
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
  /**
   * Per-user token versions (the app's cache backend): `revoke(userId)` at logout or a
   * permission change bumps the version, and every token minted before it stops verifying.
   * Without it tokens cannot be revoked before they expire.
   */
  revocation?: TokenVersionStore
  /** Seconds after the original sign-in past which no token verifies, renewed or not (default 24 h). */
  maxLifetime?: number
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
  private readonly unknownKidUsesSigningKey: boolean
  private readonly now: () => number
  readonly dialect: Dialect
  readonly maxLifetime: number
  private readonly revocation: TokenVersionStore | undefined

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
    this.unknownKidUsesSigningKey = options.dialect === 'izana'
    this.now = options.now ?? (() => Date.now() / 1000)
    this.dialect = options.dialect ?? 'mizan'
    this.maxLifetime = options.maxLifetime ?? 24 * 3600
    this.revocation = options.revocation
  }

  private versionKey(sub: string): string {
    return `mizan:mwt:ver:${this.audience}:${sub}`
  }

  private async versionOf(sub: string): Promise<number> {
    if (!this.revocation) return 0
    const stored = Number(await this.revocation.get(this.versionKey(sub)))
    return Number.isSafeInteger(stored) && stored > 0 ? stored : 0
  }

  /**
   * Revoke every token of this user minted so far (logout, a permission change). Needs
   * `revocation`. The version outlives every token it revokes: none lives past `maxLifetime`.
   */
  async revoke(userId: number | string): Promise<void> {
    if (!this.revocation) throw new TypeError('MwtIssuer.revoke needs the revocation option (a cache backend)')
    const sub = String(userId)
    const next = (await this.versionOf(sub)) + 1
    await this.revocation.set(this.versionKey(sub), String(next), this.maxLifetime + this.ttl + 60)
  }

  /**
   * Mint a token byte-identical to the reference's for the same claims and clock. A renewal
   * passes the presented token's `authTime`, so the chain ends `maxLifetime` after sign-in; the
   * two claims the reference lacks are written only when they say something (`auth_time` ≠ `iat`,
   * a version above 0).
   */
  async mint(subject: MwtSubject, renewal?: { authTime: number }): Promise<string> {
    const iat = Math.floor(this.now())
    if (renewal && iat - renewal.authTime > this.maxLifetime) throw new MizanError('UNAUTHORIZED', 'Sign in again: the token chain passed its maximum lifetime')
    const version = await this.versionOf(String(subject.id))
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
    if (renewal && renewal.authTime !== iat) claims.auth_time = renewal.authTime
    if (version > 0) claims.ver = version
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
    // Under the izana dialect an unknown kid is tried against the signing key, as the reference
    // (one secret, kid ignored) verifies it; ours refuses a kid it does not hold.
    const key = this.keys.get(kid) ?? (this.unknownKidUsesSigningKey ? this.keys.get(this.signingKid) : undefined)
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
      const { auth_time: authTime = iat, ver = 0 } = payload as Partial<MwtClaims>
      // A renewed token (it carries auth_time) dies maxLifetime after the sign-in; a first token
      // lives its own ttl, as the reference's do.
      if (typeof authTime !== 'number' || authTime > iat) return null
      if ('auth_time' in payload && this.now() - authTime > this.maxLifetime) return null
      if (typeof ver !== 'number' || ver !== (await this.versionOf(sub))) return null
      return {
        id: /^\d+$/.test(sub) && Number.isSafeInteger(Number(sub)) ? Number(sub) : sub,
        isStaff: staff ?? false,
        isSuperuser: superuser ?? false,
        pkey: pkey ?? '',
        kid,
        authTime,
        claims: payload as unknown as MwtClaims,
      }
    } catch {
      return null
    }
  }
}
