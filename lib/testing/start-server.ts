// The web server's start-up (instrumentation.ts → lib/server-start.ts) without Next, for tests
// that need its background-job side as a real process: `tsx --conditions=react-server` this file.
import { startServer } from "@/lib/server-start";

await startServer();
process.stdout.write("STARTED\n");
