"use client";
// The one table of the admin and research lists. A list declares its columns once (header, cell,
// and optionally a value to sort or merge by); the table shows the list's error above it and says
// in its body when the list is loading or empty, instead of showing its headers alone.
// @tanstack/react-table keeps the row model (sorting, merged repeated cells); the markup and its
// class names (`table`, `num`, `empty-row`) stay this app's, so every list looks as it did.
import {
  cellSpanningFeature,
  type ColumnDef,
  createSortedRowModel,
  type Row as TableRow,
  type RowData,
  rowSortingFeature,
  tableFeatures,
  useTable,
} from "@tanstack/react-table";
import { type HTMLAttributes, type ReactNode, type TdHTMLAttributes, useMemo } from "react";
import { ErrorAlert } from "./ErrorAlert";
import "./DataTable.css";

type Value = string | number | null | undefined;
type RowAttributes = HTMLAttributes<HTMLTableRowElement> & { [data: `data-${string}`]: string | number | boolean | undefined };

export type Column<Row, RowState = undefined> = {
  /** The header cell's content; "" (or null) for an empty header, e.g. over a column of buttons. */
  header: ReactNode;
  /** Stable id of the column (what sorting remembers); its position when not given. */
  id?: string;
  /** The header's tooltip. */
  title?: string;
  /** What the cell shows; `value` when not given. `state` is the row's own, see `useRowState`. */
  cell?: (row: Row, state: RowState) => ReactNode;
  /** The cell's value, which `sortable` sorts by and `mergeRepeats` compares: a pure function of the row. */
  value?: (row: Row) => Value;
  /** The header becomes a button that sorts the rows by `value` (ascending, descending, as given). */
  sortable?: boolean;
  /** Adjacent rows with the same `value` share one cell spanning them. */
  mergeRepeats?: boolean;
  /** Right-aligned tabular figures (the `num` class), header and cells. */
  num?: boolean;
  /** The cell names its row: `<th scope="row">` instead of `<td>`. */
  rowHeader?: boolean;
  /** Other attributes of the row's cell (a title, data-* for tests). */
  cellProps?: (row: Row) => TdHTMLAttributes<HTMLTableCellElement> & { [data: `data-${string}`]: string | number | undefined };
};

export type DataTableProps<Row, RowState = undefined> = {
  /** The table's accessible name (`aria-label`): how pages and tests find it. */
  label: string;
  columns: readonly Column<Row, RowState>[];
  /** The rows; undefined while they are loading. */
  rows: readonly Row[] | undefined;
  /** A stable key per row (its id); the row's position when not given. */
  rowKey?: (row: Row) => string;
  /** Attributes of a row's `<tr>` (data-* that tests find it by, a class). */
  rowProps?: (row: Row) => RowAttributes;
  /** What the table says when there are no rows. */
  empty?: ReactNode;
  /** The list's (or its actions') error, shown above the table. */
  error?: { message: string } | string | null;
  caption?: ReactNode;
  /** `table` unless the page styles its own. */
  className?: string;
  /** Let a wide table scroll sideways within the page. */
  scroll?: boolean;
  /**
   * A hook run once per row, whose result each cell of the row receives: for rows that hold state
   * of their own (a row's edits and its save). It must be the same function on every render.
   */
  useRowState?: (row: Row) => RowState;
};

const features = tableFeatures({ rowSortingFeature, sortedRowModel: createSortedRowModel(), cellSpanningFeature });
const NO_ROWS: never[] = [];
const noRowState = () => undefined;

/** Ascending; numbers as numbers, text as people read it ("v2" before "v10"). Missing values are put last by the table. */
function compareValues<Row extends RowData>(a: TableRow<typeof features, Row>, b: TableRow<typeof features, Row>, columnId: string) {
  const x = a.getValue<Value>(columnId);
  const y = b.getValue<Value>(columnId);
  if (typeof x === "number" && typeof y === "number") return x - y;
  return String(x).localeCompare(String(y), undefined, { numeric: true, sensitivity: "base" });
}

const columnId = <Row, RowState>(column: Column<Row, RowState>, index: number) => column.id ?? String(index);

export function DataTable<Row extends RowData, RowState = undefined>({
  label,
  columns,
  rows,
  rowKey,
  rowProps,
  empty,
  error,
  caption,
  className = "table",
  scroll = false,
  useRowState,
}: DataTableProps<Row, RowState>) {
  const byId = useMemo(() => new Map(columns.map((c, i) => [columnId(c, i), c])), [columns]);
  const definitions = useMemo(
    () =>
      columns.map((c, i): ColumnDef<typeof features, Row> => {
        const value = c.value;
        return {
          id: columnId(c, i),
          ...(value ? { accessorFn: (row: Row) => value(row) ?? undefined } : {}),
          enableSorting: !!(c.sortable && value),
          sortFn: compareValues,
          sortUndefined: "last",
          spanRows: !!(c.mergeRepeats && value),
        };
      }),
    [columns],
  );
  const table = useTable({
    features,
    columns: definitions,
    data: (rows ?? NO_ROWS) as Row[],
    getRowId: rowKey ? (row: Row) => rowKey(row) : undefined,
  });
  const loading = rows === undefined && !error;
  const headers = table.getHeaderGroups()[0]?.headers ?? [];

  const tableElement = (
    <table className={className} aria-label={label} aria-busy={loading || undefined}>
      {caption && <caption>{caption}</caption>}
      <thead>
        <tr>
          {headers.map((header) => {
            const column = byId.get(header.column.id)!;
            const sorted = header.column.getIsSorted();
            const canSort = header.column.getCanSort();
            return (
              <th
                key={header.id}
                className={column.num ? "num" : undefined}
                title={column.title}
                aria-sort={canSort ? (sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none") : undefined}
              >
                {canSort ? (
                  <button type="button" className="sort" onClick={header.column.getToggleSortingHandler()}>
                    {column.header}
                    <span className="sort-mark" aria-hidden="true">
                      {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}
                    </span>
                  </button>
                ) : (
                  column.header
                )}
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>
        {table.getRowModel().rows.map((row) => (
          <DataRow key={row.id} row={row} byId={byId} rowProps={rowProps} useRowState={useRowState} />
        ))}
        {rows?.length === 0 && empty !== undefined && <EmptyRow colSpan={columns.length}>{empty}</EmptyRow>}
        {loading && (
          <EmptyRow colSpan={columns.length} testId="loading-row">
            Loading…
          </EmptyRow>
        )}
      </tbody>
    </table>
  );
  return (
    <>
      <ErrorAlert error={error} />
      {scroll ? <div className="table-scroll">{tableElement}</div> : tableElement}
    </>
  );
}

function DataRow<Row extends RowData, RowState>({
  row,
  byId,
  rowProps,
  useRowState,
}: {
  row: TableRow<typeof features, Row>;
  byId: Map<string, Column<Row, RowState>>;
  rowProps: DataTableProps<Row, RowState>["rowProps"];
  useRowState: DataTableProps<Row, RowState>["useRowState"];
}) {
  const state = (useRowState ?? (noRowState as () => RowState))(row.original);
  return (
    <tr {...rowProps?.(row.original)}>
      {row.getAllCells().map((cell) => {
        if (cell.getIsCovered()) return null;
        const column = byId.get(cell.column.id)!;
        const Cell = column.rowHeader ? "th" : "td";
        const rowSpan = cell.getRowSpan();
        return (
          <Cell
            key={cell.id}
            scope={column.rowHeader ? "row" : undefined}
            className={column.num ? "num" : undefined}
            rowSpan={rowSpan > 1 ? rowSpan : undefined}
            {...column.cellProps?.(row.original)}
          >
            {column.cell ? column.cell(row.original, state) : column.value?.(row.original)}
          </Cell>
        );
      })}
    </tr>
  );
}

/** A row across the whole table that says something about the list instead of showing a row of it. */
function EmptyRow({ colSpan, testId = "empty-row", children }: { colSpan: number; testId?: string; children: ReactNode }) {
  return (
    <tr className="empty-row" data-testid={testId}>
      <td colSpan={colSpan}>{children}</td>
    </tr>
  );
}
