/** How an auth library's roles map onto the two flags `auth: 'staff'` and `auth: 'superuser'` read. */
export interface RoleMapping {
  /**
   * Roles that pass `auth: 'staff'`.
   * @default ['admin']
   */
  staffRoles?: readonly string[]
  /**
   * Roles that pass `auth: 'superuser'`.
   * @default ['admin']
   */
  superuserRoles?: readonly string[]
}

/** A user's role field: one role, a comma-separated list (Better Auth's admin plugin), or an array. */
function rolesOf(role: unknown): string[] {
  if (Array.isArray(role)) return role.filter((r): r is string => typeof r === 'string').map((r) => r.trim())
  if (typeof role === 'string') return role.split(',').map((r) => r.trim()).filter(Boolean)
  return []
}

export function roleFlags(role: unknown, mapping: RoleMapping): { isStaff: boolean; isSuperuser: boolean } {
  const roles = rolesOf(role)
  const staff = mapping.staffRoles ?? ['admin']
  const superuser = mapping.superuserRoles ?? ['admin']
  const isSuperuser = roles.some((r) => superuser.includes(r))
  return { isStaff: isSuperuser || roles.some((r) => staff.includes(r)), isSuperuser }
}
