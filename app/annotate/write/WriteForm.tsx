"use client";
// The prompt form: protocol (and, for safety, risk category and attack vector), the message, and
// optionally continuing the dialogue the annotator last compared. Ctrl+Enter sends.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import {
  attackVectorSuggestions,
  riskCategorySuggestions,
  type WritePromptForm,
  type WritePromptInput,
  writePromptInput,
} from "~/server/prompt-writing/prompt-writing.schema";
import { useTRPC } from "../../_trpc/client";
import { Dialogue } from "../_components/Dialogue";
import { ErrorAlert, FieldError } from "../../_components/ErrorAlert";

export function WriteForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const last = useQuery(trpc.promptWriting.lastDialogue.queryOptions(undefined, { staleTime: 0 }));
  const write = useMutation(
    trpc.promptWriting.write.mutationOptions({ onSuccess: ({ jobId }) => router.replace(`/annotate/write?job=${encodeURIComponent(jobId)}`) }),
  );
  const form = useForm<WritePromptForm, unknown, WritePromptInput>({
    resolver: zodResolver(writePromptInput),
    defaultValues: { protocol: "HELPFULNESS", riskCategory: "", attackVector: "", message: "", continueFromComparisonId: "" },
  });
  const protocol = form.watch("protocol");
  const [continuing, setContinuing] = useState(false);
  const { errors } = form.formState;
  const onSubmit = form.handleSubmit((values) =>
    write.mutate({ ...values, continueFromComparisonId: continuing && last.data ? last.data.comparisonId : null }),
  );

  return (
    <>
      <div className="progress-line">
        <h1>Write a prompt</h1>
        <Link href="/annotate" className="link-button">
          Back to your queue
        </Link>
      </div>
      <p className="muted">
        Write what a user would ask. Two responses are generated for it; you then compare them as usual. For safety prompts, try to
        make the model say something unsafe and say how you are trying.
      </p>
      <ErrorAlert error={write.error} />
      <form className="card stack write-form" onSubmit={onSubmit} noValidate aria-label="Write a prompt">
        <fieldset className="choice-row" style={{ display: "flex", gap: "1.5rem", border: "none", padding: 0, margin: 0 }}>
          <legend className="section-title">Protocol</legend>
          <label className="checkbox">
            <input type="radio" value="HELPFULNESS" {...form.register("protocol")} /> Helpfulness
          </label>
          <label className="checkbox">
            <input type="radio" value="SAFETY" {...form.register("protocol")} /> Safety
          </label>
        </fieldset>
        {protocol === "SAFETY" && (
          <div className="grid-form">
            <label>
              Risk category
              <input type="text" list="risk-categories" {...form.register("riskCategory")} />
              <datalist id="risk-categories">
                {riskCategorySuggestions.map((r) => (
                  <option key={r} value={r} />
                ))}
              </datalist>
              <FieldError name="riskCategory" message={errors.riskCategory?.message} />
            </label>
            <label>
              Attack vector
              <input type="text" list="attack-vectors" {...form.register("attackVector")} />
              <datalist id="attack-vectors">
                {attackVectorSuggestions.map((a) => (
                  <option key={a} value={a} />
                ))}
              </datalist>
              <FieldError name="attackVector" message={errors.attackVector?.message} />
            </label>
          </div>
        )}
        {last.data && (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={continuing}
              onChange={(e) => {
                setContinuing(e.target.checked);
                // The next turn usually keeps the dialogue's protocol and labels; they stay editable.
                if (e.target.checked) {
                  form.setValue("protocol", last.data!.protocol);
                  form.setValue("riskCategory", last.data!.riskCategory ?? "");
                  form.setValue("attackVector", last.data!.attackVector ?? "");
                }
              }}
            />{" "}
            Continue the dialogue you last compared (with the response you chose)
          </label>
        )}
        {continuing && last.data && <Dialogue systemPrompt={last.data.systemPrompt} turns={last.data.turns} />}
        <label>
          {continuing ? "Your next message" : "Your prompt"}
          <textarea
            rows={6}
            {...form.register("message")}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void onSubmit();
              }
            }}
          />
          <FieldError name="message" message={errors.message?.message} />
        </label>
        <div className="actions">
          <button type="submit" className="primary" disabled={write.isPending} aria-keyshortcuts="Control+Enter">
            {write.isPending ? "Saving…" : "Generate two responses"} <kbd aria-hidden="true">Ctrl+Enter</kbd>
          </button>
        </div>
      </form>
    </>
  );
}
