/**
 * API reference for /api/openapi.json, rendered in the browser by Scalar from its CDN (nothing
 * of it is installed or bundled here; any OpenAPI viewer would do).
 */
export function GET(): Response {
  const html = `<!doctype html>
<html>
  <head><title>Mizan example API</title><meta charset="utf-8" /></head>
  <body>
    <script id="api-reference" data-url="/api/openapi.json"></script>
    <script src="https://cdn.jsdelivr.net/npm/@scalar/api-reference"></script>
  </body>
</html>`
  return new Response(html, { headers: { 'Content-Type': 'text/html; charset=utf-8' } })
}
