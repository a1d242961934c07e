import { createRecommender } from '../../src/worker/client.js';
import { recommenderScenarios } from './scenarios.js';

recommenderScenarios('recommender in-thread (Node)', () => createRecommender({ inThread: true }), (text) => text);
