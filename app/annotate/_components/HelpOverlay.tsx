"use client";
import { ModalDialog } from "./ModalDialog";
import { shortcutList } from "./shortcuts";

export function HelpOverlay({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <ModalDialog
      open={open}
      onClose={onClose}
      title="Keyboard shortcuts"
      className="help-dialog"
      onKeyDown={(e) => {
        if (e.key === "?" && !e.ctrlKey && !e.metaKey && !e.altKey) {
          e.preventDefault();
          onClose();
        }
      }}
    >
      <p className="muted">Shortcuts never fire while you type in a text field, and ignore Ctrl, Alt and ⌘ combinations.</p>
      <table className="shortcut-table">
        <tbody>
          {shortcutList.map((s) => (
            <tr key={s.action}>
              <td className="shortcut-keys">
                {s.keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 && <span className="muted"> or </span>}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </td>
              <td>
                {s.action}
                {s.safetyOnly && <span className="muted"> (safety pairs)</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="dialog-actions">
        <button type="button" className="primary" onClick={onClose} data-autofocus="">
          Close <kbd aria-hidden="true">Esc</kbd>
        </button>
      </div>
    </ModalDialog>
  );
}
