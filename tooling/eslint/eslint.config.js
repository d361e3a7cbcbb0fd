import { mixcastEslint } from "./index.js";

export default mixcastEslint(import.meta.dirname);
