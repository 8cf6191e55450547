const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text an owner typed (a publication's description), made safe to place in Markdown that TechDocs and the
 * API docs render to HTML: every HTML-special character becomes its entity, so `<script>` or
 * `<img onerror>` show as text and never as markup. Markdown emphasis and links stay as written.
 */
export function ownerText(text: string): string {
  return text.replace(/[&<>"']/g, c => HTML_ESCAPES[c]);
}
