"use client";
// Model output is untrusted: rendered as markdown with raw HTML dropped (skipHtml, no rehype-raw),
// unsafe URL schemes removed (react-markdown's default urlTransform), links opened in a new tab
// without referrer or opener, and images shown as links so nothing is fetched from the page.
import { memo } from "react";
import ReactMarkdown, { type Components } from "react-markdown";

const components: Components = {
  // An unsafe URL (javascript:, data:, …) comes back empty from the url transform: plain text then.
  a: ({ href, children }) =>
    href ? (
      <a href={href} target="_blank" rel="noopener noreferrer nofollow">
        {children}
      </a>
    ) : (
      <span className="md-unsafe-link">{children}</span>
    ),
  img: ({ src, alt }) =>
    typeof src === "string" && src ? (
      <a href={src} target="_blank" rel="noopener noreferrer nofollow" className="md-image">
        [image{alt ? `: ${alt}` : ""}]
      </a>
    ) : (
      <span className="md-image">[image{alt ? `: ${alt}` : ""}]</span>
    ),
};

export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="md">
      <ReactMarkdown skipHtml components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
});
