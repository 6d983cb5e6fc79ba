"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import type { AppRouter } from "~/server/trpc/root";
import { createUserInput, roleSchema } from "~/server/users/users.schema";
import { useTRPC } from "../../_trpc/client";
import { FieldError } from "../../_components/ErrorAlert";
import { type Column, DataTable } from "../../_components/DataTable";

type NewUser = z.input<typeof createUserInput>;
type User = inferRouterOutputs<AppRouter>["users"]["list"][number];
const roles = roleSchema.options;

function RoleOptions() {
  return roles.map((r) => (
    <option key={r} value={r}>
      {r.toLowerCase()}
    </option>
  ));
}

export default function UsersPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const create = useMutation(trpc.users.create.mutationOptions({ onSuccess: () => { form.reset(); return refresh(); } }));
  const changeRole = useMutation(trpc.users.changeRole.mutationOptions({ onSuccess: refresh }));
  const setActive = useMutation(trpc.users.setActive.mutationOptions({ onSuccess: refresh }));
  const form = useForm<NewUser>({ resolver: zodResolver(createUserInput), defaultValues: { role: "ANNOTATOR" } });
  const mutationError = create.error ?? changeRole.error ?? setActive.error;
  const columns: Column<User>[] = [
    { header: "Name", value: (u) => u.name, sortable: true },
    { header: "Email", value: (u) => u.email, sortable: true },
    {
      header: "Role",
      value: (u) => u.role,
      sortable: true,
      cell: (u) => (
        <select
          aria-label={`Role of ${u.email}`}
          value={u.role}
          onChange={(e) => changeRole.mutate({ userId: u.id, role: roleSchema.parse(e.target.value) })}
        >
          <RoleOptions />
        </select>
      ),
    },
    { header: "Status", value: (u) => (u.deactivatedAt ? "deactivated" : "active"), sortable: true },
    {
      header: "",
      cell: (u) => (
        <button type="button" onClick={() => setActive.mutate({ userId: u.id, active: !!u.deactivatedAt })}>
          {u.deactivatedAt ? "Reactivate" : "Deactivate"}
        </button>
      ),
    },
  ];

  return (
    <section className="stack">
      <h1>Users and roles</h1>
      <DataTable
        label="Users"
        columns={columns}
        rows={users.data}
        rowKey={(u) => u.id}
        rowProps={(u) => ({ "data-email": u.email })}
        error={users.error ?? mutationError}
        empty="No users."
      />

      <h2>Add a user</h2>
      <form className="grid-form" onSubmit={form.handleSubmit((values) => create.mutate(createUserInput.parse(values)))} noValidate>
        {(["name", "email", "password"] as const).map((field) => (
          <label key={field}>
            {field[0]!.toUpperCase() + field.slice(1)}
            <input type={field === "password" ? "password" : field === "email" ? "email" : "text"} {...form.register(field)} />
            <FieldError name={field} message={form.formState.errors[field]?.message} />
          </label>
        ))}
        <label>
          Role
          <select {...form.register("role")}>
            <RoleOptions />
          </select>
        </label>
        <button type="submit" className="primary" disabled={create.isPending}>
          Add user
        </button>
      </form>
    </section>
  );
}
