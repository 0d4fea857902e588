/**
 * This module contains the two learning tasks every part of BeeMind speaks of: predicting a class or a value.
 */
export type Task = 'classification' | 'regression';
