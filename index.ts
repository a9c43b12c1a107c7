// Entry point of every stack: `hybrid-vnf:role` picks the program (see stacks/index.ts).
import { runRole } from "./stacks";

export = async () => runRole();
