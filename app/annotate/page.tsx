"use client";
// The annotator's home is the compare screen: the next pair from their queue, keyboard-first.
import { CompareScreen } from "./_components/CompareScreen";
import "./annotate.css";

export default function AnnotatePage() {
  return <CompareScreen />;
}
