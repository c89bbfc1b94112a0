/** English word bank of the teaching set; parallel to the other teaching-lexicon-*.ts (written for MarkerLab). */
import type { TeachingLexicon } from './teaching-types';

const e = (S: string): { S: string; O: string; A: string; P: string } => ({ S, O: S, A: `about ${S}`, P: 'it' });

export const EN: TeachingLexicon = {
  lang: 'English',
  entities: {
    moon: e('the Moon'), sun: e('the Sun'), ocean: e('the ocean'), rain: e('the rain'), forest: e('the forest'),
    computer: e('the computer'), bridge: e('the bridge'), train: e('the train'), phone: e('the phone'), robot: e('the robot'),
    music: e('music'), theatre: e('the theatre'), painting: e('the art of painting'), library: e('the library'), cinema: e('the cinema'),
    heart: e('the heart'), sleep: e('sleep'), vaccine: e('the vaccine'),
    contract: e('the contract'), court: e('the court'), law: e('the law'),
  },
  experts: { Sciences: 'Scientists', Technology: 'Engineers', Culture: 'Artists', Medical: 'Doctors', Legal: 'Lawyers' },
  predicates: {
    Sciences: [
      'changes with the seasons of the year',
      'shapes the life of plants and animals',
      'follows the laws of nature',
      'has an effect on the weather',
      'has existed for a very long time',
    ],
    Technology: [
      'saves people a lot of time',
      'needs the regular care of experts',
      'connects people and places',
      'uses a lot of energy every day',
      'gets better every year',
    ],
    Culture: [
      'brings people together',
      'tells the stories of our lives',
      'has a long history in Europe',
      'attracts many visitors',
      'changes the way we see the world',
    ],
    Medical: [
      'protects the health of everyone',
      'matters for every patient',
      'keeps the body strong and healthy',
      'needs the attention of doctors',
    ],
    Legal: [
      'protects the rights of citizens',
      'follows strict rules',
      'settles many disputes',
      'must treat everyone the same way',
    ],
    Any: [
      'has a long and rich history',
      'matters to the people of the world',
      'is the subject of many books and films',
      'still holds many surprises for us',
      'is part of the daily life of everyone',
    ],
  },
  frames: [
    'Many people want to know more {A}.',
    'Everyone can learn something new {A}.',
    'Children like to read the books {A}.',
    '{E} study {O} with great care.',
    '{E} often write {A} in the news.',
    '{E} have new ideas {A} every year.',
  ],
  prompts: {
    qa: ['Tell me {A}.', 'What do you know {A}?', 'Say something {A}.'],
    explain: ['Explain what we know {A}.', 'Why should we learn {A}?'],
    list: ['List some facts {A}.', 'Give me a list of facts {A}.'],
    json: ['Facts {A} in JSON.', 'Give facts {A} as JSON.'],
    table: ['A table of facts {A}.', 'Make a table {A}.'],
  },
  tableHeader: 'Fact',
};
