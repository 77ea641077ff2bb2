// A tiny, safe subset of Markdown for the API Tester's descriptions: `code` spans become <code> elements
// and everything else stays plain text. Nothing is ever parsed as HTML: text goes into text nodes only.
(() => {
  /** The text cut into plain and code parts: [{ code: false, text: 'Adds ' }, { code: true, text: 'all' }]. */
  function richTextParts(text) {
    const parts = [];
    const pattern = /`([^`\n]+)`/g;
    let last = 0;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      if (match.index > last) parts.push({ code: false, text: text.slice(last, match.index) });
      parts.push({ code: true, text: match[1] });
      last = match.index + match[0].length;
    }
    if (last < text.length) parts.push({ code: false, text: text.slice(last) });
    return parts;
  }

  /** The description as DOM nodes, to append to an element. */
  function richText(text) {
    return richTextParts(String(text)).map(({ code, text: part }) => {
      if (!code) return document.createTextNode(part);
      const node = document.createElement('code');
      node.textContent = part;
      return node;
    });
  }

  globalThis.listgateRichText = { richTextParts, richText };
})();
