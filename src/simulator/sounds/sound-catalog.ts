// Where the simulator learns whether a sound exists and how long it plays. Asterisk fails a playback of a sound
// it cannot find (PlaybackFinished with state `failed`), so "unknown" is a real answer, not an error.

export interface SoundCatalog {
  /** Playing time of `name` (no `sound:` prefix, no extension) in `lang`, or undefined when Asterisk would not find it. */
  durationMs(name: string, lang: string): number | undefined;
}

/** Every sound exists and lasts the same time: for tests that do not care which prompts are installed. */
export class UniformSoundCatalog implements SoundCatalog {
  constructor(private readonly msPerSound: number) {}

  durationMs(_name: string, _lang: string): number {
    return this.msPerSound;
  }
}

/**
 * Sounds given by name, optionally per language: keys are `name` or `lang/name` (the language-specific key wins,
 * as Asterisk prefers `<lang>/<name>` over `<name>`).
 */
export class MemorySoundCatalog implements SoundCatalog {
  private readonly sounds: Map<string, number>;

  constructor(sounds: Readonly<Record<string, number>> | ReadonlyMap<string, number>) {
    this.sounds = new Map(sounds instanceof Map ? sounds : Object.entries(sounds));
  }

  set(key: string, ms: number): void {
    this.sounds.set(key, ms);
  }

  durationMs(name: string, lang: string): number | undefined {
    return this.sounds.get(`${lang}/${name}`) ?? this.sounds.get(name);
  }
}
