// Starts Swagger UI on the /docs page. A file rather than an inline script: the CSP allows scripts from
// this server only. The spec and the OAuth redirect page are same-origin; validatorUrl null keeps the
// page from calling the public validator.
/* global SwaggerUIBundle */
window.addEventListener('DOMContentLoaded', () => {
  const root = document.getElementById('swagger-ui');
  if (!root || typeof SwaggerUIBundle !== 'function') return;
  root.textContent = '';
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    oauth2RedirectUrl: new URL(root.dataset.oauth2Redirect, window.location.href).toString(),
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
  window.ui.initOAuth({ usePkceWithAuthorizationCodeGrant: true, scopes: ['contact_data'] });
});
