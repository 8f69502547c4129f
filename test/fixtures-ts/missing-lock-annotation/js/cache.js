// Plain JavaScript with require(): the field's type comes from the constructor.
const { Mutex } = require('async-mutex');

class Cache {
  constructor() {
    this.mu = new Mutex();
    this.items = new Map();
  }

  async put(k, v) {
    const release = await this.mu.acquire();
    try {
      this._put(k, v);
    } finally {
      release();
    }
  }

  _put(k, v) {
    this.items.set(k, v);
  }

  fill() {
    this._put('a', 1); // want "call of this._put requires this.mu"
  }
}

module.exports = { Cache };
