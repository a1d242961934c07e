/** The CLI's commands, in the order of the usage text: registering a command is one line here. */
import type { Command } from './command.js';
import { cvCommand } from './cv.js';
import { demoCommand } from './demo.js';
import { evaluateCommand } from './evaluate.js';
import { recommendCommand } from './recommend.js';
import { similarCommand } from './similar.js';
import { trainCommand } from './train.js';
import { updateCommand } from './update.js';
import { similarUsersCommand } from './similar-users.js';
import { usersForItemCommand } from './users-for-item.js';
import { explainCommand } from './explain.js';
import { importCommand } from './import.js';
import { exportCommand } from './export.js';
import { predictCommand } from './predict.js';

/** Every command, in usage order. */
export const COMMANDS: readonly Command[] = [
  trainCommand,
  evaluateCommand,
  cvCommand,
  recommendCommand,
  similarCommand,
  predictCommand,
  updateCommand,
  similarUsersCommand,
  usersForItemCommand,
  explainCommand,
  importCommand,
  exportCommand,
  demoCommand,
];
