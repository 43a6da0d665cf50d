/* SysV IPC: semaphores (semctl's struct semid_ds, which arm64 lays out
 * without x86-64's padding words, values, semop/semtimedop), shared memory
 * (shmid_ds fields; an attached segment appears in /proc/self/maps and is
 * gone after shmdt; two attachments share their bytes) and message queues
 * (msqid_ds fields, msginfo). Every line is fixed, whatever the machine's IPC
 * limits or address layout. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <signal.h>
#include <sys/shm.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
    struct seminfo *__buf;
};

static void show(const char *what, long r)
{
    int e = errno;
    printf("%s: %ld %s\n", what, r, r < 0 ? strerror(e) : "ok");
}

/* How many /proc/self/maps lines start at `start` and end at `end`. */
static int maps_has(uintptr_t start, uintptr_t end)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    int n = 0;
    while (f && fgets(line, sizeof line, f)) {
        unsigned long s, e;
        if (sscanf(line, "%lx-%lx", &s, &e) == 2 && s == start && e == end)
            n++;
    }
    if (f)
        fclose(f);
    return n;
}

static void on_alarm(int sig)
{
    (void)sig;
}

/* Arms a 30 ms SIGALRM whose handler asks for SA_RESTART: the kernel still
 * never restarts semop, semtimedop, msgsnd or msgrcv (man 7 signal). */
static void alarm_soon(void)
{
    struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = SA_RESTART};
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {.it_value = {0, 30000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static void semaphores(void)
{
    int id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
    printf("semget: %s\n", id >= 0 ? "ok" : strerror(errno));
    union semun arg = {.val = 5};
    show("semctl SETVAL", semctl(id, 1, SETVAL, arg));
    printf("  GETVAL: %d\n", semctl(id, 1, GETVAL));
    unsigned short all[3] = {1, 2, 3};
    arg.array = all;
    show("semctl SETALL", semctl(id, 0, SETALL, arg));
    unsigned short back[3] = {0};
    arg.array = back;
    semctl(id, 0, GETALL, arg);
    printf("  GETALL: %u %u %u\n", back[0], back[1], back[2]);

    struct sembuf ops[2] = {{0, -1, 0}, {2, 4, 0}};
    show("semop", semop(id, ops, 2));
    printf("  values: %d %d %d\n", semctl(id, 0, GETVAL), semctl(id, 1, GETVAL),
           semctl(id, 2, GETVAL));
    printf("  GETPID is ours: %d\n", semctl(id, 0, GETPID) == getpid());

    struct sembuf take = {0, -1, IPC_NOWAIT};
    errno = 0;
    show("semop IPC_NOWAIT on 0", semop(id, &take, 1));
    take.sem_flg = 0;
    struct timespec ts = {0, 20 * 1000 * 1000};
    errno = 0;
    show("semtimedop 20 ms on 0", semtimedop(id, &take, 1, &ts));
    alarm_soon();
    errno = 0;
    show("semop interrupted (SA_RESTART)", semop(id, &take, 1));

    struct semid_ds ds;
    memset(&ds, 0xAA, sizeof ds);
    arg.buf = &ds;
    show("semctl IPC_STAT", semctl(id, 0, IPC_STAT, arg));
    time_t now = time(NULL);
    printf("  sem_nsems: %lu\n", (unsigned long)ds.sem_nsems);
    printf("  mode: %o\n", ds.sem_perm.mode & 0777);
    printf("  uid is ours: %d\n", ds.sem_perm.uid == getuid());
    printf("  sem_otime recent: %d\n", ds.sem_otime > now - 100 && ds.sem_otime <= now);
    printf("  sem_ctime recent: %d\n", ds.sem_ctime > now - 100 && ds.sem_ctime <= now);
    ds.sem_perm.mode = 0640;
    show("semctl IPC_SET", semctl(id, 0, IPC_SET, arg));
    memset(&ds, 0, sizeof ds);
    semctl(id, 0, IPC_STAT, arg);
    printf("  mode now: %o, nsems %lu\n", ds.sem_perm.mode & 0777,
           (unsigned long)ds.sem_nsems);

    struct seminfo si;
    memset(&si, 0, sizeof si);
    arg.__buf = &si;
    int top = semctl(id, 0, IPC_INFO, arg);
    printf("IPC_INFO: %s, semmsl > 0: %d, semvmx > 0: %d\n", top >= 0 ? "ok" : strerror(errno),
           si.semmsl > 0, si.semvmx > 0);
    memset(&ds, 0, sizeof ds);
    arg.buf = &ds;
    int found = 0;
    for (int i = 0; i <= top; i++) {
        int sid = semctl(i, 0, SEM_STAT, arg);
        if (sid == id)
            found = ds.sem_nsems == 3;
    }
    printf("SEM_STAT finds it with 3 semaphores: %d\n", found);
    show("semctl IPC_RMID", semctl(id, 0, IPC_RMID));
    errno = 0;
    show("semop after IPC_RMID", semop(id, ops, 1));
}

static void shared_memory(void)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t size = 3 * page + 100;
    int id = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
    printf("shmget: %s\n", id >= 0 ? "ok" : strerror(errno));
    struct shmid_ds ds;
    show("shmctl IPC_STAT", shmctl(id, IPC_STAT, &ds));
    printf("  shm_segsz: %lu pages + %lu\n", (unsigned long)ds.shm_segsz / page,
           (unsigned long)ds.shm_segsz % page);
    printf("  shm_nattch: %lu, cpid is ours: %d, mode %o\n", (unsigned long)ds.shm_nattch,
           ds.shm_cpid == getpid(), ds.shm_perm.mode & 0777);

    char *a = shmat(id, NULL, 0);
    printf("shmat: %s\n", a != (void *)-1 ? "ok" : strerror(errno));
    char *b = shmat(id, NULL, SHM_RDONLY);
    printf("shmat SHM_RDONLY: %s\n", b != (void *)-1 ? "ok" : strerror(errno));
    uintptr_t end = (uintptr_t)a + 4 * page;
    printf("  in maps, 4 pages: %d\n", maps_has((uintptr_t)a, end));
    strcpy(a + 3 * page, "shared bytes");
    printf("  other attachment reads: %s\n", b + 3 * page);
    shmctl(id, IPC_STAT, &ds);
    printf("  shm_nattch: %lu, lpid is ours: %d\n", (unsigned long)ds.shm_nattch,
           ds.shm_lpid == getpid());
    show("shmdt", shmdt(a));
    printf("  in maps after shmdt: %d\n", maps_has((uintptr_t)a, end));
    errno = 0;
    show("shmdt again", shmdt(a));
    show("shmctl IPC_RMID", shmctl(id, IPC_RMID, NULL));
    printf("  still readable until detached: %s\n", b + 3 * page);
    show("shmdt last", shmdt(b));
    errno = 0;
    show("shmat after removal", (long)shmat(id, NULL, 0));

    struct shminfo info;
    int top = shmctl(0, IPC_INFO, (struct shmid_ds *)&info);
    printf("shm IPC_INFO: %s, shmmax > 0: %d, shmmni > 0: %d\n",
           top >= 0 ? "ok" : strerror(errno), info.shmmax > 0, info.shmmni > 0);
    struct shm_info used;
    printf("SHM_INFO: %s\n", shmctl(0, SHM_INFO, (struct shmid_ds *)&used) >= 0 ? "ok" : "fail");
}

static void message_queues(void)
{
    int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    printf("msgget: %s\n", id >= 0 ? "ok" : strerror(errno));
    struct {
        long type;
        char text[16];
    } m = {3, "hello"};
    show("msgsnd", msgsnd(id, &m, 6, 0));
    alarm_soon();
    errno = 0;
    show("msgrcv type 9 interrupted (SA_RESTART)", msgrcv(id, &m, sizeof m.text, 9, 0));
    struct msqid_ds ds;
    show("msgctl IPC_STAT", msgctl(id, IPC_STAT, &ds));
    time_t now = time(NULL);
    printf("  msg_qnum: %lu, msg_cbytes: %lu, qbytes > 0: %d\n", (unsigned long)ds.msg_qnum,
           (unsigned long)ds.__msg_cbytes, ds.msg_qbytes > 0);
    printf("  lspid is ours: %d, stime recent: %d\n", ds.msg_lspid == getpid(),
           ds.msg_stime > now - 100 && ds.msg_stime <= now);
    struct msginfo mi;
    int top = msgctl(id, IPC_INFO, (struct msqid_ds *)&mi);
    printf("msg IPC_INFO: %s, msgmax > 0: %d\n", top >= 0 ? "ok" : strerror(errno),
           mi.msgmax > 0);
    show("msgctl IPC_RMID", msgctl(id, IPC_RMID, NULL));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    semaphores();
    shared_memory();
    message_queues();
    return 0;
}
