import type { Metadata } from "next";
import type { ReactNode } from "react";
import { TRPCReactProvider } from "./_trpc/client";
import "./globals.css";

export const metadata: Metadata = {
  title: "Preference Studio",
  description: "Pairwise preference annotation and reward data for Llama 2-style RLHF",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
