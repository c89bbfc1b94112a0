/** English word bank of the teaching set; parallel to the other teaching-lexicon-*.ts (written for MarkerLab). */
import type { TeachingLexicon } from './teaching-types';

const e = (S: string): { S: string; O: string; A: string; P: string } => ({ S, O: S, A: `about ${S}`, P: 'it' });

export const EN: TeachingLexicon = {
  lang: 'English',
  entities: {
    moon: e('the Moon'), sun: e('the Sun'), ocean: e('the ocean'), rain: e('the rain'), forest: e('the forest'),
    computer: e('the computer'), bridge: e('the bridge'), train: e('the train'), phone: e('the phone'), robot: e('the robot'),
    music: e('music'), theatre: e('the theatre'), painting: e('painting'), library: e('the library'), cinema: e('the cinema'),
    heart: e('the heart'), sleep: e('sleep'), vaccine: e('the vaccine'),
    contract: e('the contract'), court: e('the court'), law: e('the law'),
  },
  experts: { Sciences: 'Scientists', Technology: 'Engineers', Culture: 'Artists', Medical: 'Doctors', Legal: 'Lawyers' },
  predicates: {
    Sciences: [
      'changes with the seasons',
      'shapes life on the Earth',
      'follows the laws of nature',
      'plays a part in the weather',
      'has existed for a very long time',
    ],
    Technology: [
      'saves people a lot of time',
      'needs regular care',
      'connects people and places',
      'uses a lot of energy',
      'gets better every year',
    ],
    Culture: [
      'brings people together',
      'tells stories about our lives',
      'has a long history in Europe',
      'attracts many visitors',
      'changes the way we see the world',
    ],
    Medical: [
      'protects our health',
      'matters for every patient',
      'keeps the body strong',
      'needs the attention of doctors',
    ],
    Legal: [
      'protects the rights of citizens',
      'follows strict rules',
      'settles many disputes',
      'must treat everyone the same way',
    ],
    Any: [
      'has a long history',
      'matters to many people',
      'appears in many books',
      'still holds many surprises',
      'is part of our daily life',
    ],
  },
  frames: [
    'Many people ask questions {A}.',
    'We can learn a lot {A}.',
    'Children love books {A}.',
    '{E} study {O} closely.',
    '{E} often write {A}.',
    '{E} have new ideas {A}.',
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
