"use client";
// The one way a prompt, a turn or a response is shown, on every page (compare screen, prompt
// writing, research batch page, import preview): what annotators judge must be the text that is
// stored and exported. Model output is untrusted and may itself be markup a safety annotator has
// to see, so it is read as markdown whose raw HTML is not HTML at all: the parser's HTML and
// character-reference constructs are switched off, and `<div>`, `<script>`, `&amp;` stay the
// literal characters they are (React escapes them), never dropped, never executed. Links with an
// unsafe scheme (javascript:, data:, …) are not links, and their target is shown beside their
// text; links open in a new tab without referrer or opener; images are shown as links, so
// nothing is fetched from the page.
import { memo } from "react";
import ReactMarkdown, { type Components, defaultUrlTransform } from "react-markdown";

/** A remark plugin: raw HTML and entities are read as the plain text they are. */
function literalHtml(this: { data(): unknown }) {
  const data = this.data() as { micromarkExtensions?: unknown[] };
  (data.micromarkExtensions ??= []).push({ disable: { null: ["htmlFlow", "htmlText", "characterReference"] } });
}
const remarkPlugins = [literalHtml];

/** Every URL reaches the components as written; they decide what is safe to link. */
const keepUrl = (url: string) => url;
const safeUrl = (url: unknown): string => (typeof url === "string" && url ? defaultUrlTransform(url) : "");

function textOf(children: React.ReactNode): string {
  if (typeof children === "string" || typeof children === "number") return String(children);
  if (Array.isArray(children)) return children.map(textOf).join("");
  return "";
}

const components: Components = {
  a: ({ href, children }) => {
    const safe = safeUrl(href);
    if (safe) {
      return (
        <a href={safe} target="_blank" rel="noopener noreferrer nofollow">
          {children}
        </a>
      );
    }
    // The target is part of what the model wrote: shown, not followed.
    const target = typeof href === "string" ? href : "";
    return (
      <span className="md-unsafe-link" title="Link disabled">
        {children}
        {target && textOf(children) !== target && <span className="md-link-target"> ({target})</span>}
      </span>
    );
  },
  img: ({ src, alt }) => {
    const label = `[image${alt ? `: ${alt}` : ""}]`;
    const safe = safeUrl(src);
    return safe ? (
      <a href={safe} target="_blank" rel="noopener noreferrer nofollow" className="md-image">
        {label}
      </a>
    ) : (
      <span className="md-image">
        {label}
        {typeof src === "string" && src && <span className="md-link-target"> ({src})</span>}
      </span>
    );
  },
};

export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="md">
      <ReactMarkdown remarkPlugins={remarkPlugins} urlTransform={keepUrl} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
});
