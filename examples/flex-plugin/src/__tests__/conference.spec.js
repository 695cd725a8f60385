// A plugin author's own unit tests, run the way plugin authors run them (`npm test`, i.e.
// `flex-plugin test`: Jest 27 with the @twilio/flex-plugin-test preset, jsdom environment).
// They import the package as the plugin does and drive its engine, with no browser and no Flex.

import { ConferenceEngine, loadWasm } from 'flex-conference';

const task = {
  taskSid: 'WT00000000000000000000000000000001',
  conference: {
    conferenceSid: 'CF00000000000000000000000000000001',
    participants: [
      { callSid: 'CA00000000000000000000000000000001', participantType: 'worker', workerSid: 'WK1', isCurrentWorker: true, status: 'joined' },
      { callSid: 'CA00000000000000000000000000000002', participantType: 'customer', status: 'joined' },
    ],
  },
};

beforeAll(() => loadWasm());

describe('the conference engine in a plugin author’s Jest test', () => {
  it('turns "add +1 415 555 0100" into one add-participant request to that number', () => {
    const engine = new ConferenceEngine({ enabled: true, default_caller_id: '+15005550006' });
    engine.handleSnapshot(task, 0);
    const outcome = engine.handleIntent({ kind: 'addParticipant', destination: '+1 415 555 0100', callerId: null }, 0);
    expect(outcome.accepted).toBe(true);
    const command = engine.pollCommand();
    expect(command.endpoint).toBe('add-participant');
    expect(command.params.to).toBe('+14155550100');
    expect(command.params.from).toBe('+15005550006');
  });

  it('refuses a number that is not one, with the message the dialog shows, and sends nothing', () => {
    const engine = new ConferenceEngine({ enabled: true, default_caller_id: '+15005550006' });
    engine.handleSnapshot(task, 0);
    const outcome = engine.handleIntent({ kind: 'addParticipant', destination: 'call mom', callerId: null }, 0);
    expect(outcome.accepted).toBe(false);
    expect(outcome.error.code).toBe('invalid_destination');
    expect(outcome.error.message).toMatch(/phone number|address/i);
    expect(engine.pollCommand()).toBeNull();
  });

  it('reports the feature off when the account turned it off', () => {
    const engine = new ConferenceEngine({ enabled: false });
    expect(engine.view().mode).toBe('disabled');
  });
});
