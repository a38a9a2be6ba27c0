/** `#client-cookies` in browser bundles: the page's own cookies, without the Node jar (see cookies.ts). */
export { browserCookies as createCookieStore } from './cookies.ts'
