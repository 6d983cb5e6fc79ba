import NextAuth from "next-auth";
import { authOptions } from "~/server/auth/options";
import { answerSignIn } from "~/server/auth/sign-in-answer";

const handler = NextAuth(authOptions);

type RouteContext = { params: Promise<{ nextauth: string[] }> };

// Sign-in posts run inside answerSignIn, so a refusal for too many attempts is answered 429 with
// Retry-After.
const post = (request: Request, context: RouteContext) => answerSignIn(() => handler(request, context));

export { handler as GET, post as POST };
