import { describe, expect, it } from 'vitest';
import { detectLanguage, LANGUAGE_CODES, LANGUAGE_MIN_CONFIDENCE } from '../../src/lib/markers/measure';
import { LANGUAGES } from '../../src/lib/markers/taxonomy';
import { COOKING, SENTENCES, WEATHER } from './fixtures/sentences';

describe('detectLanguage', () => {
  it('maps every taxonomy language to a distinct ISO 639-3 code', () => {
    expect(Object.keys(LANGUAGE_CODES).sort()).toEqual([...LANGUAGES].sort());
    const codes = Object.values(LANGUAGE_CODES);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^[a-z]{3}$/);
  });

  it.each(LANGUAGES.map((l) => [l]))('identifies %s in two everyday passages', (language) => {
    for (const text of [SENTENCES[language]!, WEATHER[language]!]) {
      const guess = detectLanguage(text);
      expect(guess.lang, text).toBe(language);
      expect(guess.code).toBe(LANGUAGE_CODES[language]);
      expect(guess.confidence).toBeGreaterThanOrEqual(LANGUAGE_MIN_CONFIDENCE);
    }
  });

  it('on held-out sentences is never wrong and rarely silent', () => {
    let identified = 0;
    for (const [language, text] of Object.entries(COOKING)) {
      const { lang } = detectLanguage(text);
      if (lang !== undefined) {
        expect(lang, text).toBe(language);
        identified++;
      }
    }
    expect(identified).toBeGreaterThanOrEqual(21);
  });

  it('settles franc confusions with letters only one language writes', () => {
    // franc alone ranks Italian first here; ř and ě are Czech.
    expect(detectLanguage('Celou noc pršelo, ale v poledne se obloha vyjasnila a šli jsme se projít podél řeky.').lang).toBe('Czech');
    // Persian letters (گ, پ, ی) against Arabic.
    expect(detectLanguage('پیاز را ریز خرد کنید و آن را آرام در کره تفت دهید تا طلایی شود.').lang).toBe('Persian');
  });

  it.each([
    ['OK thanks!'], ['Merci beaucoup'], ['Danke schön'], ['Yes.'], ['42 + 17 = 59'], ['我喜欢你'], ['東京大学'], [''],
  ])('leaves %j unset: too short to tell', (text) => {
    const guess = detectLanguage(text);
    expect(guess.lang).toBeUndefined();
    expect(typeof guess.code).toBe('string');
  });

  it.each([
    ['Catalan', 'Va ploure tota la nit, però cap al migdia el cel es va aclarir i vam passejar vora el riu.'],
    ['Galician', 'Choveu toda a noite, pero ao mediodía o ceo despexou e paseamos pola beira do río.'],
    ['Swedish', 'Det regnade hela natten, men vid lunchtid klarnade himlen och vi promenerade längs floden på stigen.'],
    ['Hungarian', 'Egész éjjel esett az eső, de délre kitisztult az ég, és sétáltunk a folyóparton.'],
    ['Serbian', 'Целу ноћ је падала киша, али у подне се небо разведрило и шетали смо поред реке.'],
    ['Bulgarian', 'Цяла нощ валеше дъжд, но към обяд небето се изясни и се разходихме покрай реката.'],
    ['Urdu', 'ساری رات بارش ہوتی رہی، لیکن دوپہر تک آسمان صاف ہو گیا اور ہم دریا کے کنارے سیر کرنے گئے۔'],
    ['Marathi', 'रात्रभर पाऊस पडत होता, पण दुपारपर्यंत आकाश निरभ्र झाले आणि आम्ही नदीकाठी फिरायला गेलो.'],
    ['Swahili', 'Mvua ilinyesha usiku kucha, lakini kufikia mchana anga lilikuwa safi na tukatembea kando ya mto.'],
  ])('does not force %s (not in the taxonomy) onto a taxonomy language', (_, text) => {
    const guess = detectLanguage(text);
    expect(guess.lang).toBeUndefined();
    expect(guess.confidence).toBeLessThan(LANGUAGE_MIN_CONFIDENCE);
  });

  it('reads the prose around code, not the code', () => {
    const answer = "Voici une fonction qui calcule la moyenne d'une liste de nombres :\n\n```python\ndef mean(values):\n    return sum(values) / len(values)\n```\n\nElle renvoie une erreur si la liste est vide.";
    expect(detectLanguage(answer).lang).toBe('French');
  });

  it('is not thrown by one borrowed word', () => {
    expect(detectLanguage('We met at a small café near the station and talked for hours about books.').lang).toBe('English');
  });
});

describe('detectLanguage among a closed set', () => {
  it('takes the best of the given languages, where the open set leaves short sentences unjudged', () => {
    const short = 'El gato de la casa come pan.';
    expect(detectLanguage(short, { among: ['English', 'French', 'Spanish', 'German', 'Italian'] }).lang).toBe('Spanish');
    expect(detectLanguage('Le chat de la maison mange du pain.', { among: ['French', 'Spanish'] }).lang).toBe('French');
  });

  it('still needs enough letters, and names only languages of the set', () => {
    expect(detectLanguage('Oui.', { among: ['French', 'Spanish'] }).lang).toBeUndefined();
    expect(detectLanguage('Le chat de la maison mange du pain.', { among: ['Spanish', 'Italian'] }).lang).not.toBe('French');
    expect(detectLanguage('Le chat de la maison mange du pain.', { among: [] }).lang).toBeUndefined();
  });
});
