/** Every `mixcast` subcommand, registered in the order `mixcast --help` lists them. */
import { registerCommand } from "../registry.ts";
import { fitCommand } from "./fit.ts";
import { simulateCommand } from "./simulate.ts";

registerCommand(simulateCommand);
registerCommand(fitCommand);
