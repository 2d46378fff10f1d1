// Starts Swagger UI on /api/v1/docs (localdata/api/docs.py): a file, so the page needs no
// inline script under its Content Security Policy. No validator badge: it would call another site.
window.ui = window.SwaggerUIBundle({
  url: "/api/v1/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  presets: [window.SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
