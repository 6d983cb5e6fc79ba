"use client";
// Import prompts or an open preference dataset: choose a file, watch it upload (progress bar),
// read the detected format and the first rows as they would be imported, then confirm. Every
// import runs as a worker job, its progress pushed here (ImportJob), then the prompts listed.
// Nothing is written before the confirmation, and a bad row anywhere rejects the whole file with
// its line and field.
import { useMutation, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useCallback, useState } from "react";
import type { ImportPreview } from "~/server/import/run-import";
import type { AppRouter } from "~/server/trpc/root";
import { useTRPC } from "../../_trpc/client";
import { ErrorAlert } from "../../_components/ErrorAlert";
import { ImportJob } from "./_components/ImportJob";
import { Markdown } from "../../_components/Markdown";
import { type Column, DataTable } from "../../_components/DataTable";

type Uploaded = { uploadId: string; fileName: string; size: number; preview: ImportPreview };
type Format = "auto" | "prompts" | "hh-rlhf" | "trl" | "raw";

const formatLabels: Record<Format, string> = {
  auto: "detect from the rows",
  prompts: "prompts (prompt or messages, protocol, risk category, attack vector)",
  "hh-rlhf": "Anthropic HH-RLHF (chosen / rejected transcripts)",
  trl: "TRL / Hugging Face preference rows",
  raw: "this platform's raw export",
};

/** POST the file with XMLHttpRequest: fetch cannot report upload progress. */
function uploadFile(file: File, format: Format, onProgress: (fraction: number) => void): Promise<Uploaded> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/import/upload?fileName=${encodeURIComponent(file.name)}&format=${format}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      const body = JSON.parse(xhr.responseText || "{}");
      if (xhr.status === 200) resolve(body as Uploaded);
      else reject(new Error(body.error ?? `Upload failed (${xhr.status}).`));
    };
    xhr.onerror = () => reject(new Error("Upload failed: the connection broke."));
    xhr.send(file);
  });
}

type PreviewRow = ImportPreview["rows"][number];
const previewColumns: Column<PreviewRow>[] = [
  { header: "Where", value: (row) => row.where },
  { header: "Protocol", value: (row) => row.protocol.toLowerCase() },
  {
    header: "Dialogue",
    cell: (row) =>
      row.dialogue.map((t, i) => (
        <div key={i}>
          <strong>{t.role}:</strong> <Markdown text={t.content} />
        </div>
      )),
  },
];
const preferenceColumns: Column<PreviewRow>[] = [
  { header: "Chosen", cell: (row) => row.chosen !== undefined && <Markdown text={row.chosen} /> },
  { header: "Rejected", cell: (row) => row.rejected !== undefined && <Markdown text={row.rejected} /> },
  { header: "Strength", value: (row) => row.strength?.toLowerCase().replace(/_/g, " ") },
];

type PastImport = inferRouterOutputs<AppRouter>["import"]["list"][number];
const importColumns: Column<PastImport>[] = [
  { header: "When", cell: (i) => new Date(i.createdAt).toLocaleString() },
  { header: "Source", value: (i) => i.sourceName },
  { header: "File", value: (i) => i.fileName },
  { header: "Format", value: (i) => i.format },
  { header: "Rows", value: (i) => i.rows },
  { header: "Imported", value: (i) => i.inserted },
  { header: "Duplicates", value: (i) => i.duplicates },
  { header: "Licence", value: (i) => i.licence ?? "—" },
  { header: "sha256", cellProps: (i) => ({ title: i.fileSha256 }), cell: (i) => `${i.fileSha256.slice(0, 12)}…` },
];

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 1)} MB`;

export default function ImportPage() {
  const trpc = useTRPC();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<Format>("auto");
  const [sourceName, setSourceName] = useState("");
  const [licence, setLicence] = useState("");
  const [protocol, setProtocol] = useState<"HELPFULNESS" | "SAFETY">("HELPFULNESS");
  const [uploadProgress, setUploadProgress] = useState<number | null>(null);
  const [uploaded, setUploaded] = useState<Uploaded | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);

  const imports = useQuery(trpc.import.list.queryOptions());
  const start = useMutation(trpc.import.start.mutationOptions());
  const jobId = start.data?.jobId ?? null;
  const refetchImports = imports.refetch;
  const importEnded = useCallback(() => void refetchImports(), [refetchImports]);

  async function upload() {
    if (!file) return;
    setUploaded(null);
    setUploadError(null);
    start.reset();
    setUploadProgress(0);
    try {
      setUploaded(await uploadFile(file, format, setUploadProgress));
    } catch (error) {
      setUploadError((error as Error).message);
    } finally {
      setUploadProgress(null);
    }
  }

  const preview = uploaded?.preview;
  const isPreferences = preview && preview.format !== "prompts";

  return (
    <section className="stack">
      <h1>Import</h1>
      <p className="muted">
        Prompts (JSONL, CSV or Parquet) or an open preference dataset (HH-RLHF, TRL / Hugging Face rows, this platform&apos;s raw export). A
        file is checked whole before anything is written; a bad row rejects it with its line and field. Dialogues and pairs already stored
        are skipped. Imported preferences keep their source instead of an annotator, never reach annotators&apos; queues, and stay out of
        the dashboard and exports unless their source is asked for.
      </p>

      <form
        className="grid-form"
        aria-label="Upload a file"
        onSubmit={(e) => {
          e.preventDefault();
          void upload();
        }}
      >
        <label>
          File to import
          <input type="file" accept=".jsonl,.json,.ndjson,.csv,.parquet" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
        <label>
          Format
          <select value={format} onChange={(e) => setFormat(e.target.value as Format)}>
            {Object.entries(formatLabels).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={!file || uploadProgress !== null}>
          Upload and preview
        </button>
      </form>

      {uploadProgress !== null && (
        <p role="status">
          Uploading… <progress max={100} value={Math.round(uploadProgress * 100)} aria-label="Upload progress" /> {Math.round(uploadProgress * 100)}%
        </p>
      )}
      <ErrorAlert error={uploadError} />

      {uploaded && preview && (
        <section className="stack" aria-label="Preview">
          <h2>Preview</h2>
          <dl className="facts">
            <dt>File</dt>
            <dd>
              {uploaded.fileName} ({preview.fileKind}, {mb(uploaded.size)})
            </dd>
            <dt>Format</dt>
            <dd data-testid="detected-format">
              {preview.format}
              {format === "auto" ? " (detected)" : preview.detectedFormat && preview.detectedFormat !== preview.format ? ` (the rows look like ${preview.detectedFormat})` : ""}
            </dd>
            {preview.readings.length > 0 && (
              <>
                <dt>Read as</dt>
                <dd data-testid="import-reading">{preview.readings.join("; ")}</dd>
              </>
            )}
          </dl>
          <ErrorAlert error={preview.error} />
          <DataTable
            label="First rows"
            className="data"
            columns={isPreferences ? [...previewColumns, ...preferenceColumns] : previewColumns}
            rows={preview.rows}
            rowKey={(row) => row.where}
          />

          {!preview.error && !start.data && (
            <form
              className="grid-form"
              aria-label="Confirm the import"
              onSubmit={(e) => {
                e.preventDefault();
                start.mutate({
                  uploadId: uploaded.uploadId,
                  fileName: uploaded.fileName,
                  options: { format, sourceName, licence: licence || null, protocol, strength: "NEGLIGIBLY_BETTER_OR_UNSURE", marginScale: "small" },
                });
              }}
            >
              <label>
                Source name
                <input type="text" value={sourceName} onChange={(e) => setSourceName(e.target.value)} placeholder="e.g. Anthropic/hh-rlhf" />
              </label>
              <label>
                Licence and terms
                <input type="text" value={licence} onChange={(e) => setLicence(e.target.value)} placeholder="e.g. MIT" />
              </label>
              <label>
                Protocol of rows that state none
                <select value={protocol} onChange={(e) => setProtocol(e.target.value as "HELPFULNESS" | "SAFETY")}>
                  <option value="HELPFULNESS">helpfulness</option>
                  <option value="SAFETY">safety</option>
                </select>
              </label>
              <button type="submit" disabled={start.isPending}>
                {start.isPending ? "Queueing…" : "Import"}
              </button>
            </form>
          )}
        </section>
      )}

      <ErrorAlert error={start.error} />
      {jobId && <ImportJob jobId={jobId} onEnded={importEnded} />}

      <h2>Past imports</h2>
      <DataTable
        label="Past imports"
        className="data"
        columns={importColumns}
        rows={imports.data}
        rowKey={(i) => i.id}
        error={imports.error}
        empty="No imports yet."
      />
    </section>
  );
}
