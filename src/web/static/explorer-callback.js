// The API Tester's callback window: hands the access token to the tester that opened it (same origin
// only) and closes. Without an opener (a blocked popup), the page keeps showing the token to copy.
(() => {
  const result = document.getElementById('token-result');
  const opener = window.opener;
  if (!result || !opener || opener.closed) return;
  try {
    opener.postMessage(
      {
        type: 'listgate:token',
        token: result.dataset.token,
        clientId: result.dataset.clientId,
        expiresIn: Number(result.dataset.expiresIn),
        scope: result.dataset.scope,
      },
      window.location.origin,
    );
    window.close();
  } catch {
    const handoff = document.getElementById('handoff');
    if (handoff) handoff.textContent = 'Copy the token above into the API Tester.';
  }
})();
