// The one way a page says that something failed: a query's or mutation's error, or a message.
export function ErrorAlert({ error, testId }: { error: { message: string } | string | null | undefined; testId?: string }) {
  if (!error) return null;
  return (
    <p className="error" role="alert" data-testid={testId}>
      {typeof error === "string" ? error : error.message}
    </p>
  );
}

/** A form field's validation message, next to the field it is about. */
export function FieldError({ name, message }: { name: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <span className="field-error" data-field={name}>
      {message}
    </span>
  );
}
