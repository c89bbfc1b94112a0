import { describe, expect, it } from 'vitest';
import { countParagraphs, countSentences, countTokens, findFences, measureCompletion } from '../../src/lib/markers/measure';

describe('countTokens', () => {
  it('counts Unicode code points, the char tokenizer\'s units', () => {
    expect(countTokens('')).toBe(0);
    expect(countTokens('hello')).toBe(5);
    expect(countTokens('héllo')).toBe(5);
    expect(countTokens('图书馆')).toBe(3);
    expect(countTokens('👍')).toBe(1); // one code point, two UTF-16 units
    expect(countTokens('🇫🇷')).toBe(2); // a flag is two regional-indicator code points
    expect(countTokens('a\nb')).toBe(3);
  });
});

describe('countSentences', () => {
  it.each([
    ['The museum opens at ten. Tickets cost twelve euros! Do you want to go?', 3],
    ['Hello there', 1],
    ['', 0],
    ['   \n\n  ', 0],
    ['Dr. Smith measured 3.14 metres. Then he left.', 2],
    ['We need fruit, e.g. apples, and i.e. nothing else. The U.S. economy grew.', 2],
    ['J. K. Rowling wrote the books. They sold well.', 2],
    ['It costs approx. five euros. That is cheap.', 2],
    ['See Fig. 3 for details. It shows the trend.', 2],
    ['Wait... really?! Yes.', 2],
    ['He said "Stop." Then he went home.', 2],
    ['Visit example.com or read notes.txt today.', 1],
  ])('counts %j as %i', (text, n) => {
    expect(countSentences(text)).toBe(n);
  });

  it('splits CJK, Hindi, Arabic and Greek-script text on their own punctuation', () => {
    expect(countSentences('今日は晴れです。明日は雨が降るでしょう。')).toBe(2);
    expect(countSentences('图书馆九点开门！你想去吗？我想去。')).toBe(3);
    expect(countSentences('पुस्तकालय नौ बजे खुलता है। बच्चे किताबें पढ़ते हैं।')).toBe(2);
    expect(countSentences('هل أنت بخير؟ نعم، شكرا.')).toBe(2);
    expect(countSentences('Έβρεχε όλη τη νύχτα. Το πρωί καθάρισε ο ουρανός.')).toBe(2);
    expect(countSentences('Бібліотека відчиняється о дев’ятій. Діти можуть брати книжки.')).toBe(2);
  });

  it('counts list items and headings as sentences even without final punctuation', () => {
    expect(countSentences('Shopping list:\n- flour\n- eggs\n- milk')).toBe(4);
    expect(countSentences('1. Preheat the oven. Grease the tin.\n2. Mix the batter\n3) Bake for 30 minutes')).toBe(4);
    expect(countSentences('# Ingredients\n\nTwo eggs and some flour.')).toBe(2);
  });

  it('joins hard-wrapped lines but ends a line at a blank line', () => {
    expect(countSentences('This sentence was wrapped\nby an old mail client\nat forty characters.')).toBe(1);
    expect(countSentences('First paragraph without a full stop\n\nSecond one')).toBe(2);
  });

  it('counts a fenced code block as one sentence and table rows as one each', () => {
    expect(countSentences('Run this:\n```py\nprint("a. b. c.")\n\nprint(2)\n```\nIt prints twice.')).toBe(3);
    expect(countSentences('| City | Population |\n|------|-----------:|\n| Lyon | 522,969 |\n| Nice | 342,669 |')).toBe(3);
  });
});

describe('countParagraphs', () => {
  it('splits on blank lines and ignores empty blocks', () => {
    expect(countParagraphs('')).toBe(0);
    expect(countParagraphs('One paragraph\nover two lines.')).toBe(1);
    expect(countParagraphs('\n\nFirst.\n\n\n\nSecond.\n   \nThird.\n\n')).toBe(3);
    expect(countParagraphs('Windows line ends.\r\n\r\nStill two.')).toBe(2);
  });

  it('keeps a fenced code block with blank lines in one paragraph', () => {
    const text = 'Example:\n\n```python\nimport os\n\n\ndef main():\n    pass\n```\n\nThat is all.';
    expect(countParagraphs(text)).toBe(3);
  });
});

describe('findFences', () => {
  it('reads info strings and treats an unclosed fence as running to the end', () => {
    const fences = findFences('Intro\n```Python title="a.py"\nx = 1\n```\n~~~\nopen');
    expect(fences.map((f) => [f.info, f.content, f.closed])).toEqual([
      ['python', 'x = 1', true],
      ['', 'open', false],
    ]);
  });

  it('does not close a fence with a shorter or different marker', () => {
    const [fence] = findFences('````md\n```js\ninner\n```\n````');
    expect(fence?.content).toBe('```js\ninner\n```');
  });
});

describe('measureCompletion', () => {
  it('identifies the language among a model’s training languages when given them, else among all 23', () => {
    const italian = 'Il robot ci fa risparmiare molto tempo.';
    expect(measureCompletion(italian).lang).toBeUndefined();
    expect(measureCompletion(italian, { among: ['English', 'French', 'Italian'] })).toEqual({ lengthTokens: countTokens(italian), lang: 'Italian' });
  });
});
